-- Customers per value tier (top = the 20 % with the highest predicted + indirect value): how many,
-- their average value, net revenue and its share, so the 20/80 split can be read off directly.
-- params: (none)
SELECT
    tier,
    count() AS customers,
    round(customers / sum(customers) OVER (), 3) AS customer_share,
    round(avg(coalesce(predicted_value_minor, current_value_minor) + indirect_value_minor) / 100, 2) AS average_value,
    sum(net_revenue_minor) / 100 AS net_revenue,
    round(sum(net_revenue_minor) / nullIf(sum(sum(net_revenue_minor)) OVER (), 0), 3) AS revenue_share
FROM {{database}}.customer_profiles FINAL
WHERE merged_into IS NULL
GROUP BY tier
ORDER BY average_value DESC
