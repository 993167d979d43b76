FROM
FROM debian:bookwo rm