{#- 课件完整性问题 One row per finding of a package (a reason for rejection, a defect, a
    warning), with the package's title and status beside it. -#}
with

findings as (
    select * from {{ ref('stg_courseware__findings') }}
),

catalogue as (
    select * from {{ ref('stg_courseware__catalogue') }}
),

final as (
    select
        findings.package_file,
        catalogue.package_title,
        catalogue.package_status,
        findings.finding_code,
        findings.severity,
        findings.severity_zh,
        findings.message_zh,
        findings.detail
    from findings
    left join catalogue on findings.package_file = catalogue.package_file
)

select * from final
