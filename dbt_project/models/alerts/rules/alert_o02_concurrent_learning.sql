{#- O02 多端同时在线 concurrent learning (orange): one person's two online learning records on
    different devices whose times overlap (by at least var('o02_min_overlap_minutes')
    minutes). One finding per pair of records. -#}
{{ config(schema='alerts') }}
with

records as (
    select * from {{ ref('fct_online_learning') }}
    where person_pseudo is not null and device_id is not null
        and started_at is not null and ended_at is not null
),

pairs as (
    select
        a.district_code,
        a.institution_key,
        a.class_id,
        a.learning_date,
        a.record_id as record_a,
        b.record_id as record_b,
        a.device_id as device_a,
        b.device_id as device_b,
        coalesce(a.id_number_masked, b.id_number_masked) as id_number_masked,
        greatest(a.started_at, b.started_at) as overlap_from,
        least(a.ended_at, b.ended_at) as overlap_to
    from records as a
    inner join records as b
        on a.district_code = b.district_code
        and a.person_pseudo = b.person_pseudo
        and a.record_key < b.record_key
        and a.device_id <> b.device_id
        and a.started_at < b.ended_at
        and b.started_at < a.ended_at
),

final as (
    select
        'O02' as rule_code,
        'orange' as level,
        'class' as scope,
        district_code,
        split_part(institution_key, ':', 2) as institution_id,
        class_id,
        cast(null as varchar) as session_id,
        cast(null as varchar) as enrolment_id,
        record_a || '|' || record_b as subject_id,
        learning_date as event_date,
        '学员 ' || coalesce(id_number_masked, '?') || ' 的线上学习记录 ' || record_a || '（设备 '
            || device_a || '）与 ' || record_b || '（设备 ' || device_b || '）于 '
            || strftime(overlap_from, '%Y-%m-%d %H:%M') || '–' || strftime(overlap_to, '%H:%M')
            || ' 同时在线' as evidence
    from pairs
    where date_diff('second', overlap_from, overlap_to)
        >= {{ var('o02_min_overlap_minutes') }} * 60
)

select * from final
