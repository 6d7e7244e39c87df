-- one row per punch (签到/签退) as delivered, placed against its session
with

punches as (
    select * from {{ ref('stg_district_feeds__attendance') }}
),

sessions as (
    select * from {{ ref('int_sessions__scheduled') }}
),

final as (
    select
        punches.record_key,
        punches.district_code,
        punches.record_id,
        punches.class_key,
        punches.session_key,
        punches.person_pseudo,
        punches.id_number_masked,
        punches.punch_kind,
        punches.checked_at,
        cast(punches.checked_at as date) as checked_on,
        punches.punch_method,
        punches.face_score,
        punches.photo_id,
        punches.device_id,
        date_diff('minute', sessions.starts_at, punches.checked_at) as minutes_after_start,
        date_diff('minute', sessions.ends_at, punches.checked_at) as minutes_after_end,
        punches.delivered_at
    from punches
    left join sessions on punches.session_key = sessions.session_key
)

select * from final
