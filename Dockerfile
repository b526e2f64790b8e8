# A small static image of ecrguard: the binary alone on distroless/static,
# run as a non-root user in /work, the folder to mount the files to scan on:
#
#   docker build -t ecrguard .
#   docker run --rm -v "$PWD:/work" ecrguard scan .
#
# The builder runs on the build machine's platform and cross-compiles for
# the target's (docker buildx build --platform linux/arm64 ...).

FROM --platform=$BUILDPLATFORM golang:1.26 AS build
WORKDIR /src
ENV GOTOOLCHAIN=local GOFLAGS=-mod=readonly
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG TARGETOS=linux
ARG TARGETARCH=amd64
ARG VERSION=dev
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -ldflags="-s -w -X main.version=$VERSION" -o /out/ecrguard ./cmd/ecrguard

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/ecrguard /usr/local/bin/ecrguard
USER nonroot:nonroot
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/ecrguard"]
