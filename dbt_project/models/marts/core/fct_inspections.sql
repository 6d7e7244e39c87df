-- spot checks, attributed to a class (and so an occupation) where the target allows:
-- 班级 targets a class id; 考勤 a session (as the simulator and most districts send it), an
-- attendance record, or a class id; 机构 an institution
with

inspections as (
    select * from {{ ref('stg_district_feeds__inspections') }}
),

classes as (
    select * from {{ ref('stg_district_feeds__classes') }}
),

sessions as (
    select * from {{ ref('stg_district_feeds__sessions') }}
),

punches as (
    select * from {{ ref('stg_district_feeds__attendance') }}
),

institutions as (
    select * from {{ ref('stg_district_feeds__institutions') }}
),

resolved as (
    select
        inspections.*,
        case
            when inspections.target_kind = '班级' then class_target.class_key
            when inspections.target_kind = '考勤'
                then coalesce(
                    session_target.class_key, record_target.class_key, class_target.class_key
                )
        end as class_key,
        case
            when inspections.target_kind = '机构' then institution_target.institution_key
        end as target_institution_key
    from inspections
    left join classes as class_target on inspections.target_key = class_target.class_key
    left join sessions as session_target
        on inspections.target_key = session_target.session_key
    left join punches as record_target on inspections.target_key = record_target.record_key
    left join institutions as institution_target
        on inspections.target_key = institution_target.institution_key
),

final as (
    select
        resolved.inspection_key,
        resolved.district_code,
        resolved.inspection_id,
        resolved.target_kind,
        resolved.target_id,
        resolved.class_key,
        coalesce(resolved.target_institution_key, classes.institution_key) as institution_key,
        classes.occupation_code,
        resolved.inspected_on,
        cast(date_trunc('month', resolved.inspected_on) as date) as inspected_month,
        resolved.inspection_result,
        resolved.inspection_result = '不合格' as is_failed,
        resolved.findings,
        resolved.class_key is not null or resolved.target_institution_key is not null
            as target_found,
        resolved.delivered_at
    from resolved
    left join classes on resolved.class_key = classes.class_key
)

select * from final
