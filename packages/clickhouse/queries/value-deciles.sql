-- Customers by decile of value (predicted, else current), with each decile's share of net revenue;
-- deciles 10 and 9 together are the top 20 %.
-- params: (none)
WITH ranked AS
(
    SELECT
        customer_id,
        coalesce(predicted_value_minor, current_value_minor) + indirect_value_minor AS value_minor,
        net_revenue_minor,
        ntile(10) OVER (ORDER BY value_minor) AS decile
    FROM {{database}}.customer_profiles FINAL
    WHERE merged_into IS NULL
)
SELECT
    decile,
    count() AS customers,
    round(avg(value_minor) / 100, 2) AS average_value,
    sum(net_revenue_minor) / 100 AS net_revenue,
    round(sum(net_revenue_minor) / nullIf((SELECT sum(net_revenue_minor) FROM ranked), 0), 3) AS revenue_share
FROM ranked
GROUP BY decile
ORDER BY decile DESC
