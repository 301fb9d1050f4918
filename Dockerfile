# syntax=docker/dockerfile:1
# kupervisor's images, built in stages. No container engine runs where kupervisor is developed,
# so every step here is a script or Maven command that cli/src/test/.../PackagingIT runs too.

# ---- build: the jars and the self-contained runtime (jlink JRE + jar + launcher) ----
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -DskipTests package
RUN tools/package/dist.sh /opt/kupervisor

# ---- kupervisor-init: the static PID 1 of operator-mode process pods (init/kupervisor-init.c) ----
FROM debian:12-slim AS init
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
COPY init/ /src/init/
RUN /src/init/build.sh /out/kupervisor-init

# ---- kupervisor: supervisord, ctl, tail, migrate; also the init container of in-pod mode and
# the one that copies kupervisor-init into process pods ----
# glibc base (the runtime is built against glibc); non-root by default.
FROM debian:12-slim AS kupervisor
COPY --from=build /opt/kupervisor /opt/kupervisor
COPY --from=init /out/kupervisor-init /opt/kupervisor/bin/kupervisor-init
USER 65532:65532
ENTRYPOINT ["/opt/kupervisor/bin/kupervisor"]
CMD ["--help"]

# ---- operator: the Quarkus application ----
FROM eclipse-temurin:25-jre AS operator
COPY --from=build /src/operator/target/quarkus-app /deployments
USER 185
# JVM options come from JDK_JAVA_OPTIONS (the Helm chart's javaOpts)
ENTRYPOINT ["java", "-jar", "/deployments/quarkus-run.jar"]
