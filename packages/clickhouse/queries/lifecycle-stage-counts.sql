-- Customers in each lifecycle stage at the end of each day with movement between two days
-- (merged-away and erased customers leave the counts on the day they close).
-- params: from Date, to Date
SELECT day, stage, customers
FROM
(
    SELECT day, stage, sum(sum(net)) OVER (PARTITION BY stage ORDER BY day) AS customers
    FROM {{database}}.lifecycle_stage_flow_daily
    GROUP BY day, stage
)
WHERE day BETWEEN {from:Date} AND {to:Date}
ORDER BY day, stage
