with

enrolments as (
    select * from {{ ref('stg_district_feeds__enrolments') }}
),

hours as (
    select * from {{ ref('int_enrolments__attended_hours') }}
),

final as (
    select
        enrolments.enrolment_key,
        enrolments.district_code,
        enrolments.enrolment_id,
        enrolments.class_key,
        hours.occupation_code,
        enrolments.person_pseudo,
        enrolments.id_number_masked,
        enrolments.name_masked,
        enrolments.phone_masked,
        enrolments.enrolled_on,
        cast(date_trunc('month', enrolments.enrolled_on) as date) as enrolled_month,
        enrolments.subsidy_eligible,
        hours.planned_hours,
        hours.class_end_date,
        hours.sessions_attended,
        hours.sessions_check_in_only,
        hours.attended_hours,
        hours.attendance_ratio,
        hours.is_completed,
        hours.first_attended_on,
        hours.last_attended_on,
        enrolments.delivered_at
    from enrolments
    left join hours on enrolments.enrolment_key = hours.enrolment_key
)

select * from final
