-- What the offers caused between two days (inclusive, UTC): treatment (customers the engine may
-- market to) against the universal holdout (OFFERS_HOLDOUT_PERCENT: care, no marketing). One row
-- per metric: net revenue per customer (purchases minus returns, major units), purchase days per
-- customer, and the share of customers who moved to at_risk or lapsed. Each row has the customers
-- and mean of each group, the difference (treatment minus holdout), its standard error and 95 %
-- confidence interval by the normal approximation (difference ± 1.96 standard errors): for the
-- two means Welch's standard error, sqrt(s_t²/n_t + s_h²/n_h) with sample variances; for the share
-- the unpooled standard error of a difference of proportions, sqrt(p_t(1−p_t)/n_t + p_h(1−p_h)/n_h).
-- Customers: everyone seen by the end of the period and not merged into another, active in it or
-- not (counting only the active would count customers that marketing brought back in one group
-- only); the group is the holdout flag on their latest touchpoint by then. No interval (NULL)
-- while a group has fewer than 2 customers; below about 30 per group the approximation is rough.
-- Rows stored before the flag existed (migration 0008) read as treatment: measure periods after.
-- params: from Date, to Date
WITH
    population AS
    (
        SELECT customer_id, argMax(holdout, occurred_at) AS held_out
        FROM {{database}}.enriched_touchpoints FINAL
        WHERE toDate(occurred_at) <= {to:Date}
          AND customer_id NOT IN (SELECT customer_id FROM {{database}}.customer_profiles FINAL
                                  WHERE merged_into IS NOT NULL)
        GROUP BY customer_id
    ),
    activity AS
    (
        SELECT
            customer_id,
            sumIf(coalesce(amount_minor, 0), type IN ('purchase', 'return')) / 100 AS net_revenue,
            -- As the profile counts them: days (UTC) with a purchase that has an amount.
            uniqExactIf(toDate(occurred_at), type = 'purchase' AND amount_minor IS NOT NULL) AS purchase_days
        FROM {{database}}.enriched_touchpoints FINAL
        WHERE toDate(occurred_at) BETWEEN {from:Date} AND {to:Date}
        GROUP BY customer_id
    ),
    moved AS
    (
        SELECT DISTINCT customer_id
        FROM {{database}}.lifecycle_stage_changes FINAL
        WHERE to_stage IN ('at_risk', 'lapsed') AND toDate(changed_at) BETWEEN {from:Date} AND {to:Date}
    ),
    per_customer AS
    (
        -- Customers without activity in the period count with zeros.
        SELECT
            p.held_out AS held_out,
            toFloat64(coalesce(a.net_revenue, 0)) AS net_revenue,
            toFloat64(coalesce(a.purchase_days, 0)) AS purchase_days,
            toFloat64(p.customer_id IN (SELECT customer_id FROM moved)) AS moved_to_risk
        FROM population AS p
        LEFT JOIN activity AS a ON a.customer_id = p.customer_id
    ),
    groups AS
    (
        SELECT
            figure.1 AS metric,
            figure.2 AS is_share,
            countIf(NOT held_out) AS n_t,
            countIf(held_out) AS n_h,
            avgIf(figure.3, NOT held_out) AS mean_t,
            avgIf(figure.3, held_out) AS mean_h,
            varSampIf(figure.3, NOT held_out) AS var_t,
            varSampIf(figure.3, held_out) AS var_h
        FROM per_customer
        ARRAY JOIN [
            ('net_revenue_per_customer', false, net_revenue),
            ('purchase_days_per_customer', false, purchase_days),
            ('share_moved_to_at_risk_or_lapsed', true, moved_to_risk)
        ] AS figure
        GROUP BY metric, is_share
    ),
    estimates AS
    (
        SELECT
            metric,
            n_t,
            n_h,
            if(n_t > 0, mean_t, NULL) AS treatment_mean,
            if(n_h > 0, mean_h, NULL) AS holdout_mean,
            treatment_mean - holdout_mean AS difference_of_means,
            if(n_t >= 2 AND n_h >= 2,
               if(is_share,
                  sqrt(mean_t * (1 - mean_t) / n_t + mean_h * (1 - mean_h) / n_h),
                  sqrt(var_t / n_t + var_h / n_h)),
               NULL) AS standard_error_of_difference,
            -- The 97.5th percentile of the standard normal distribution.
            1.959963984540054 AS z_95
        FROM groups
    )
SELECT
    metric,
    n_t AS treatment_customers,
    n_h AS holdout_customers,
    round(treatment_mean, 4) AS treatment,
    round(holdout_mean, 4) AS holdout,
    round(difference_of_means, 4) AS difference,
    round(standard_error_of_difference, 4) AS standard_error,
    round(difference_of_means - z_95 * standard_error_of_difference, 4) AS ci95_low,
    round(difference_of_means + z_95 * standard_error_of_difference, 4) AS ci95_high
FROM estimates
ORDER BY indexOf(['net_revenue_per_customer', 'purchase_days_per_customer', 'share_moved_to_at_risk_or_lapsed'], metric)
