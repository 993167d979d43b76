# the postgres image has its own user (999): it is used
FROM postgres:16
COPY init.sql /docker-entrypoint-initdb.d/
HEALTHCHECK CMD pg_isready -U postgres
