-- The commonest journeys across channels: each customer's channels in the order used (repeats
-- collapsed), how many customers took that path, their touchpoints and average sentiment.
-- params: limit UInt32
SELECT
    arrayStringConcat(arrayCompact(arrayMap(step -> step.channel, path)), ' > ') AS channel_path,
    count() AS customers,
    round(avg(length(path)), 1) AS average_touchpoints,
    round(avg(arrayAvg(arrayMap(step -> coalesce(step.sentiment, 0), path))), 3) AS average_sentiment
FROM
(
    SELECT customer_id, arraySort(step -> step.occurred_at, groupArrayMerge(steps)) AS path
    FROM {{database}}.customer_journeys
    GROUP BY customer_id
)
GROUP BY channel_path
ORDER BY customers DESC, channel_path
LIMIT {limit:UInt32}
