{#- 统计：区 × 职业(工种) × 月. Each measure is counted in the month of its own event:
    classes opened (start_date), enrolments (enrolled_on), trainees and attended hours (session
    start), completion (class end_date: completed / enrolments of the classes that ended that
    month), subsidies (claimed_on), inspections (inspected_on). occupation_code is null for
    what has no occupation (inspections of institutions). -#}
with

classes as (
    select * from {{ ref('dim_class') }}
),

enrolments as (
    select * from {{ ref('fct_enrolments') }}
),

person_sessions as (
    select * from {{ ref('fct_session_attendance') }}
),

claims as (
    select * from {{ ref('fct_claims') }}
),

inspections as (
    select * from {{ ref('fct_inspections') }}
),

districts as (
    select * from {{ ref('dim_district') }}
),

occupations as (
    select * from {{ ref('dim_occupation') }}
),

opened as (
    select district_code, occupation_code, start_month as month,
        count(*) as classes_opened,
        sum(capacity) as capacity_opened,
        sum(planned_hours) as planned_hours_opened
    from classes
    group by all
),

enrolled as (
    select district_code, occupation_code, enrolled_month as month,
        count(*) as enrolments,
        count(*) filter (where subsidy_eligible) as enrolments_subsidy_eligible
    from enrolments
    group by all
),

trained as (
    select district_code, occupation_code, session_month as month,
        count(distinct person_pseudo) filter (where attended_hours > 0) as trainees,
        sum(attended_hours) as attended_hours
    from person_sessions
    group by all
),

completed as (
    select district_code, occupation_code,
        cast(date_trunc('month', class_end_date) as date) as month,
        count(*) as enrolments_in_ended_classes,
        count(*) filter (where is_completed) as enrolments_completed
    from enrolments
    group by all
),

claimed as (
    select district_code, occupation_code, claimed_month as month,
        count(*) as subsidy_claims,
        sum(amount_yuan) as subsidy_amount_yuan
    from claims
    group by all
),

inspected as (
    select district_code, occupation_code, inspected_month as month,
        count(*) as inspections,
        count(*) filter (where not is_failed) as inspections_passed,
        count(*) filter (where is_failed) as inspections_failed
    from inspections
    group by all
),

spine as (
    select district_code, occupation_code, month from opened
    union select district_code, occupation_code, month from enrolled
    union select district_code, occupation_code, month from trained
    union select district_code, occupation_code, month from completed
    union select district_code, occupation_code, month from claimed
    union select district_code, occupation_code, month from inspected
),

final as (
    select
        spine.district_code,
        districts.district_name_zh,
        spine.occupation_code,
        occupations.occupation_name,
        spine.month,
        coalesce(opened.classes_opened, 0) as classes_opened,
        coalesce(opened.capacity_opened, 0) as capacity_opened,
        coalesce(opened.planned_hours_opened, 0) as planned_hours_opened,
        coalesce(enrolled.enrolments, 0) as enrolments,
        coalesce(enrolled.enrolments_subsidy_eligible, 0) as enrolments_subsidy_eligible,
        coalesce(trained.trainees, 0) as trainees,
        coalesce(trained.attended_hours, 0) as attended_hours,
        coalesce(completed.enrolments_in_ended_classes, 0) as enrolments_in_ended_classes,
        coalesce(completed.enrolments_completed, 0) as enrolments_completed,
        round(completed.enrolments_completed / nullif(completed.enrolments_in_ended_classes, 0), 4)
            as completion_rate,
        coalesce(claimed.subsidy_claims, 0) as subsidy_claims,
        coalesce(claimed.subsidy_amount_yuan, 0) as subsidy_amount_yuan,
        coalesce(inspected.inspections, 0) as inspections,
        coalesce(inspected.inspections_passed, 0) as inspections_passed,
        coalesce(inspected.inspections_failed, 0) as inspections_failed
    from spine
    left join districts on spine.district_code = districts.district_code
    left join occupations on spine.occupation_code = occupations.occupation_code
    {%- for measure in ['opened', 'enrolled', 'trained', 'completed', 'claimed', 'inspected'] %}
    -- occupation_code may be null (institution inspections): null matches null here
    left join {{ measure }}
        on spine.district_code = {{ measure }}.district_code
        and spine.occupation_code is not distinct from {{ measure }}.occupation_code
        and spine.month = {{ measure }}.month
    {%- endfor %}
    where spine.month between cast('{{ var("stats_from_month") }}' as date)
        and cast('{{ var("stats_to_month") }}' as date)
)

select * from final
