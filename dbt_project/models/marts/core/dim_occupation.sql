-- occupations (职业/工种) seen in classes and teachers' certificates; the name is the one most
-- classes use (districts spell names differently; the code is what counts)
with

classes as (
    select * from {{ ref('stg_district_feeds__classes') }}
),

teachers as (
    select * from {{ ref('stg_district_feeds__teachers') }}
),

codes as (
    select occupation_code from classes
    union
    select occupation_code from teachers
),

names as (
    select occupation_code, occupation_name, count(*) as uses
    from classes
    where occupation_name is not null
    group by occupation_code, occupation_name
    qualify row_number() over (
        partition by occupation_code order by uses desc, occupation_name
    ) = 1
),

final as (
    select
        codes.occupation_code,
        names.occupation_name,
        (select count(*) from classes where classes.occupation_code = codes.occupation_code)
            as classes_filed
    from codes
    left join names on codes.occupation_code = names.occupation_code
)

select * from final
