-- Emails of PP_ADMIN_EMAILS that have already made a Zoho user an admin. Admin by email is granted once per email:
-- a later, new Zoho user id with the same email starts as viewer (an admin promotes it if that is wanted).
create table admin_email_grant (
    email      varchar(320) primary key check (email = lower(email)),
    user_id    uuid,
    granted_at timestamptz  not null default now()
);

-- Admins that exist already have had their grant, whichever way they became admin.
insert into admin_email_grant (email, user_id, granted_at)
select distinct on (lower(email)) lower(email), id, created_at
  from app_user
 where role = 'admin'
 order by lower(email), created_at;
