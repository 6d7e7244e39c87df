-- 线上学习记录明细: one row per online learning record, with its credited hours
with

records as (
    select * from {{ ref('int_online__records') }}
),

final as (
    select
        record_key,
        district_code,
        record_id,
        class_key,
        class_id,
        institution_key,
        class_mode,
        person_pseudo,
        id_number_masked,
        module_id,
        started_at,
        ended_at,
        learning_date,
        recorded_minutes,
        module_minutes,
        progress_pct,
        is_completed,
        counts_towards_hours,
        credited_hours,
        device_id,
        ip_pseudo,
        ip_masked,
        face_checks,
        face_failures,
        delivered_at
    from records
)

select * from final
