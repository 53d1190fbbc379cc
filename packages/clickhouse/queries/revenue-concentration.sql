-- The concentration curve: the share of net revenue that the top x % of customers by value
-- (predicted, else current, plus indirect) bring, for x = 1 … 100; top_percent 20 is the 20/80 check.
-- params: (none)
WITH ranked AS
(
    SELECT
        net_revenue_minor,
        row_number() OVER (ORDER BY coalesce(predicted_value_minor, current_value_minor) + indirect_value_minor DESC, customer_id) AS position,
        count() OVER () AS population
    FROM {{database}}.customer_profiles FINAL
    WHERE merged_into IS NULL
),
percentiles AS
(
    SELECT toUInt8(ceil(100 * position / population)) AS top_percent, sum(net_revenue_minor) AS revenue_minor, count() AS customers
    FROM ranked
    GROUP BY top_percent
)
SELECT
    top_percent,
    sum(customers) OVER (ORDER BY top_percent) AS customers,
    round(sum(revenue_minor) OVER (ORDER BY top_percent) / nullIf((SELECT sum(net_revenue_minor) FROM ranked), 0), 3) AS revenue_share
FROM percentiles
ORDER BY top_percent
