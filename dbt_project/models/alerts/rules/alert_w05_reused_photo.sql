{#- W05 照片复用 reused check-in photo (red): one check-in photo (the same or a near-same
    image, verified on the pixels: silver/photo_reuse) stands for different people, or for one
    person on different days. The finding sits with the later check-in (photo b). -#}
{{ config(schema='alerts') }}
with

reuse as (
    select * from {{ ref('stg_alerts__photo_reuse') }}
),

classes as (
    select * from {{ ref('dim_class') }}
),

persons as (
    select * from {{ ref('dim_person') }}
),

flagged as (
    select distinct
        photo_a, photo_b, method, distance, record_a, person_a, day_a, session_a,
        record_b, person_b, day_b, session_b, class_b, district_b, finding
    from reuse
    where reused
        and finding in (
            {%- for f in var('w05_findings') %}'{{ f }}'{{ ',' if not loop.last }}{% endfor -%}
        )
),

final as (
    select
        'W05' as rule_code,
        'red' as level,
        'class' as scope,
        flagged.district_b as district_code,
        split_part(classes.institution_key, ':', 2) as institution_id,
        flagged.class_b as class_id,
        flagged.session_b as session_id,
        cast(null as varchar) as enrolment_id,
        flagged.photo_a || '|' || flagged.photo_b as subject_id,
        flagged.day_b as event_date,
        '签到记录 ' || flagged.record_b || '（' || coalesce(person_b.id_number_masked, '?') || '，'
            || flagged.day_b || '）的照片 ' || flagged.photo_b || ' 与签到记录 ' || flagged.record_a
            || '（' || coalesce(person_a.id_number_masked, '?') || '，' || flagged.day_a
            || '）的照片 ' || flagged.photo_a || ' 为同一图像（'
            || case flagged.finding
                when 'different_people' then '不同人员'
                else '同一人不同日期'
            end || '，' || flagged.method || '，距离 ' || coalesce(flagged.distance, 0) || '）'
            as evidence
    from flagged
    left join classes on classes.class_key = flagged.district_b || ':' || flagged.class_b
    left join persons as person_a on flagged.person_a = person_a.person_pseudo
    left join persons as person_b on flagged.person_b = person_b.person_pseudo
)

select * from final
