{#- 课程与课件包 Each packaged e-learning course with the package(s) carrying it (matched by
    identifier, file name or title), courses without a package and packages no course uses;
    whether the course's declared sco_count and kind agree with the package. -#}
with

links as (
    select * from {{ ref('stg_courseware__course_links') }}
),

catalogue as (
    select * from {{ ref('stg_courseware__catalogue') }}
),

final as (
    select
        links.course_id,
        links.course_title,
        links.course_kind,
        links.course_sco_count,
        links.package_file,
        catalogue.package_title,
        links.package_identifier,
        links.package_status,
        links.package_standard,
        links.package_sco_count,
        links.match_by,
        links.link_status,
        case links.link_status
            when 'linked' then '已关联'
            when 'course_without_package' then '课程无课件包'
            when 'package_without_course' then '课件包无对应课程'
        end as link_status_zh,
        links.sco_count_agrees,
        links.standard_agrees
    from links
    left join catalogue on links.package_file = catalogue.package_file
)

select * from final
