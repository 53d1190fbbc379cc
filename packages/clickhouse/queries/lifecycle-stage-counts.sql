-- Customers in each lifecycle stage at the end of every day between two days (merged-away and
-- erased customers leave the counts on the day they close).
-- params: from Date, to Date
SELECT day, stage, customers
FROM
(
    SELECT day, stage, sum(sum(net)) OVER (PARTITION BY stage ORDER BY day) AS customers
    FROM
    (
        SELECT day, toString(stage) AS stage, net FROM {{database}}.lifecycle_stage_flow_daily
        UNION ALL
        -- A zero for every stage on every day asked for, so days without movement show too.
        SELECT
            arrayJoin(arrayMap(offset -> {from:Date} + offset,
                range(toUInt32(greatest(0, dateDiff('day', {from:Date}, {to:Date}) + 1))))) AS day,
            stage,
            0 AS net
        FROM (SELECT DISTINCT toString(stage) AS stage FROM {{database}}.lifecycle_stage_flow_daily)
    )
    GROUP BY day, stage
)
WHERE day BETWEEN {from:Date} AND {to:Date}
ORDER BY day, stage
