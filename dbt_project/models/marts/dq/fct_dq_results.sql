-- the latest result of each check on each delivery
with

results as (
    select * from {{ ref('stg_district_feeds__dq_results') }}
),

latest as (
    select *
    from results
    qualify row_number() over (partition by dq_result_key order by validated_at desc) = 1
),

final as (
    select
        dq_result_key,
        district_code,
        feed,
        delivery_file,
        delivery_sha256,
        check_name,
        passed,
        rows_checked,
        rows_failed,
        case when rows_checked > 0 then round(rows_failed / rows_checked, 4) end as failure_ratio,
        not passed
            and coalesce(rows_failed / nullif(rows_checked, 0), 1)
                > {{ var('dq_severe_failure_ratio') }} as is_severe,
        failing_rows,
        validated_at,
        run_id
    from latest
)

select * from final
