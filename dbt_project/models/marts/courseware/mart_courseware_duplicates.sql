{#- 重复课件 Exact duplicates: packages whose content (every entry's path and bytes) is the
    same under different file names. One row per package of such a group; the first
    delivered (duplicate_of is null) is the one kept, the others' bytes are what the copies
    cost. -#}
with

catalogue as (
    select * from {{ ref('stg_courseware__catalogue') }}
    where content_sha256 is not null
),

groups as (
    select
        content_sha256,
        count(*) as copies,
        min(package_file) filter (where duplicate_of is null) as kept_package
    from catalogue
    group by content_sha256
    having count(*) > 1
),

final as (
    select
        groups.content_sha256,
        catalogue.package_file,
        catalogue.package_file = groups.kept_package as is_kept,
        groups.kept_package,
        groups.copies,
        catalogue.package_identifier,
        catalogue.package_title,
        catalogue.file_bytes,
        catalogue.content_bytes
    from groups
    inner join catalogue on groups.content_sha256 = catalogue.content_sha256
)

select * from final
