-- depends_on: {{ source('courseware', 'catalogue') }}

with

source as (
    {{ optional_source('courseware', 'catalogue', columns='declared') }}
),

renamed as (
    select
        package_file,
        file_bytes,
        modified_at,
        status as package_status,
        reason,
        standard,
        standard_version,
        identifier as package_identifier,
        title as package_title,
        organisations,
        organisation_titles,
        default_organisation,
        items,
        sco_count,
        resources,
        files_in_package,
        files_referenced,
        files_missing,
        files_unreferenced,
        content_bytes,
        content_sha256,
        duplicate_of,
        catalogued_at
    from source
)

select * from renamed
