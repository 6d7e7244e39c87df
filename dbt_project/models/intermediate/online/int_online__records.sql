{#- Online learning records with the credit they earn towards a class's hours: the recorded
    time, never more than the module's length (a record left open all night earns the
    module, not the night), in hours of var('online_minutes_per_hour') minutes, and only for
    a class whose mode is 线上 or 混合 (the standard: online records are for those classes). -#}
with

records as (
    select * from {{ ref('stg_online_learning__records') }}
),

classes as (
    select * from {{ ref('stg_district_feeds__classes') }}
),

final as (
    select
        records.record_key,
        records.district_code,
        records.record_id,
        records.class_key,
        records.class_id,
        classes.institution_key,
        classes.training_mode as class_mode,
        records.person_pseudo,
        records.id_number_masked,
        records.module_id,
        records.started_at,
        records.ended_at,
        cast(records.started_at as date) as learning_date,
        records.recorded_minutes,
        records.module_minutes,
        records.progress_pct,
        records.progress_pct >= 100 as is_completed,
        classes.training_mode in ('线上', '混合') as counts_towards_hours,
        case when classes.training_mode in ('线上', '混合')
            then least(greatest(records.recorded_minutes, 0), records.module_minutes)
                / {{ var('online_minutes_per_hour') }}
            else 0 end as credited_hours,
        records.device_id,
        records.ip_pseudo,
        records.ip_masked,
        records.face_checks,
        records.face_failures,
        records.delivered_at
    from records
    left join classes on records.class_key = classes.class_key
)

select * from final
