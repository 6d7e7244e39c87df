{#- 课件目录 The courseware library, one row per delivered file: what it is (standard,
    identifier, title, organisations, SCOs, resources, sizes, content hash), its status with
    the reason, how many defects and warnings it carries and how many courses it serves. -#}
with

catalogue as (
    select * from {{ ref('stg_courseware__catalogue') }}
),

findings as (
    select
        package_file,
        count(*) filter (where severity in ('rejected', 'defect')) as defects,
        count(*) filter (where severity = 'warning') as warnings
    from {{ ref('stg_courseware__findings') }}
    group by package_file
),

links as (
    select package_file, count(distinct course_id) as courses_linked
    from {{ ref('stg_courseware__course_links') }}
    where link_status = 'linked'
    group by package_file
),

final as (
    select
        catalogue.package_file,
        catalogue.package_status,
        case catalogue.package_status
            when 'ok' then '正常'
            when 'defective' then '有缺陷'
            when 'rejected' then '拒收(未读取)'
        end as package_status_zh,
        catalogue.reason,
        catalogue.standard,
        catalogue.standard_version,
        catalogue.package_identifier,
        catalogue.package_title,
        catalogue.organisations,
        catalogue.organisation_titles,
        catalogue.default_organisation,
        catalogue.items,
        catalogue.sco_count,
        catalogue.resources,
        catalogue.files_in_package,
        catalogue.files_referenced,
        catalogue.files_missing,
        catalogue.files_unreferenced,
        catalogue.file_bytes,
        catalogue.content_bytes,
        catalogue.content_sha256,
        catalogue.duplicate_of,
        coalesce(findings.defects, 0) as defects,
        coalesce(findings.warnings, 0) as warnings,
        coalesce(links.courses_linked, 0) as courses_linked,
        catalogue.modified_at,
        catalogue.catalogued_at
    from catalogue
    left join findings on catalogue.package_file = findings.package_file
    left join links on catalogue.package_file = links.package_file
)

select * from final
