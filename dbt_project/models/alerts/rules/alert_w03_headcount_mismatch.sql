{#- W03 人数不符 headcount mismatch: the session's video headcount (median over its counted
    frames, best-placed camera) below var('w03_red_ratio') of the checked-in trainees is red,
    below var('w03_orange_ratio') orange. Sessions without counted frames are "no data". -#}
{{ config(schema='alerts') }}
with

sessions as (
    select * from {{ ref('int_alerts__session_video') }}
),

measured as (
    select
        *,
        median_headcount / checked_in as headcount_ratio
    from sessions
    where counted_frames > 0
        and median_headcount is not null
        and checked_in >= {{ var('w03_min_checked_in') }}
),

final as (
    select
        'W03' as rule_code,
        case
            when headcount_ratio < {{ var('w03_red_ratio') }} then 'red' else 'orange'
        end as level,
        'class' as scope,
        district_code,
        institution_id,
        class_id,
        session_id,
        cast(null as varchar) as enrolment_id,
        camera_ids as subject_id,
        session_date as event_date,
        '课次 ' || session_id || ' 视频人数（' || counted_frames || ' 帧中位数）' || median_headcount
            || ' 人，签到 ' || checked_in || ' 人，比例 ' || round(100 * headcount_ratio, 1) || '%'
            as evidence
    from measured
    where headcount_ratio < {{ var('w03_orange_ratio') }}
)

select * from final
