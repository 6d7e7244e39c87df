-- depends_on: {{ source('courseware', 'findings') }}

with

source as (
    {{ optional_source('courseware', 'findings', columns='declared') }}
),

renamed as (
    select
        package_file,
        code as finding_code,
        severity,
        case severity
            when 'rejected' then '拒收'
            when 'defect' then '缺陷'
            when 'warning' then '警告'
        end as severity_zh,
        detail,
        message_zh
    from source
)

select * from renamed
