# teleport-event-handler (Java) container image.
#
#   docker build -t teleport-event-handler:16.4.12-java.1 --build-arg GIT_REF="$(git describe --always --dirty)" .
#
# Used like the Go plugin's image in Teleport's guide (the arguments are the same):
#   docker run --user "$(id -u):$(id -g)" -v "$(pwd)":/opt/teleport-plugin -w /opt/teleport-plugin \
#     teleport-event-handler:16.4.12-java.1 configure .
#   docker run --user "$(id -u):$(id -g)" --network host -v "$(pwd)":/opt/teleport-plugin \
#     -w /opt/teleport-plugin teleport-event-handler:16.4.12-java.1 start --config=teleport-event-handler.toml
# The image runs as uid 65532 unless told otherwise; --user makes the files it writes into the
# mounted directory yours (and lets it read the 0600 files `configure` wrote there).

# ---- build -------------------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# Dependencies first, in their own layer, so a source change does not download them again.
# Best effort: what go-offline misses (e.g. protoc) is fetched by the package step below.
COPY pom.xml ./
RUN mvn -B -q dependency:go-offline || echo "dependency pre-fetch incomplete; continuing"
COPY src ./src
ARG GIT_REF=unknown
# Formatting is checked in CI, not here.
RUN mvn -B -DskipTests -Dspotless.check.skip=true -Dgit.ref="${GIT_REF}" package \
 && test -f target/teleport-event-handler.jar

# ---- runtime -----------------------------------------------------------------------------
FROM eclipse-temurin:17-jre
ARG VERSION=16.4.12-java.1
ARG GIT_REF=unknown
LABEL org.opencontainers.image.title="teleport-event-handler" \
      org.opencontainers.image.description="Exports Teleport audit events and session recordings to Fluentd over mutual TLS (Java drop-in for Teleport's Event Handler plugin)." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${GIT_REF}" \
      org.opencontainers.image.base.name="docker.io/library/eclipse-temurin:17-jre"

# A fixed non-root user (the same uid as distroless "nonroot"); Kubernetes' runAsNonRoot and
# the Helm chart's fsGroup use it.
RUN groupadd --system --gid 65532 teleport-event-handler \
 && useradd --system --uid 65532 --gid 65532 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin teleport-event-handler

# The jar lives outside /opt/teleport-plugin, which users mount their working directory over.
COPY --from=build /src/target/teleport-event-handler.jar /opt/teleport-event-handler/teleport-event-handler.jar

WORKDIR /opt/teleport-plugin
USER 65532:65532

# Exec form, no CMD: `docker run IMAGE configure .` passes `configure .` to the program as is.
# More JVM options: -e JDK_JAVA_OPTIONS="-Xmx256m". The heap may use 75% of the container's
# memory limit; a JVM out of memory exits so that the container is restarted.
# Session tickets are off because Fluentd's in_http cannot resume TLS sessions.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-Djdk.tls.client.enableSessionTicketExtension=false", "-jar", "/opt/teleport-event-handler/teleport-event-handler.jar"]
