-- Customers moving between lifecycle stages between two days ('' = first seen).
-- params: from Date, to Date
SELECT from_stage, to_stage, sum(customers) AS customers
FROM {{database}}.lifecycle_transitions_daily
WHERE day BETWEEN {from:Date} AND {to:Date}
GROUP BY from_stage, to_stage
ORDER BY customers DESC
