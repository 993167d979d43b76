FROM debian:bookworm
RUN apt-get update && apt-get install --no-install-recommends -y curl && rm -rf /var/lib/apt/lists/*
RUN set -eux; \
	apt-get update; \
	apt-get install -y --no-install-recommends ca-certificates; \
	# the lists stay unless removed
	update-ca-certificates; \
	rm -rf /var/lib/apt/lists/*
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get -y -o Dpkg::Options::=--force-confnew install --no-install-recommends \
        jq \
        git \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/*
RUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install --no-install-recommends -y make
RUN apt-get install --no-install-recommends -y tini # a shell comment ends this RUN
USER 10001:10001
HEALTHCHECK NONE
