# kupervisor's images, built in stages: `docker build --target kupervisor` and `--target operator`
# (tools/k8s-cluster/cluster.sh images builds both and the cluster tests run them). Every step is
# a script or Maven command that cli/src/test/.../PackagingIT runs too. The classic builder is
# enough (no BuildKit features).

# ---- build: the jars and the self-contained runtime (jlink JRE + jar + launcher) ----
FROM eclipse-temurin:25-jdk AS build
# binutils: dist.sh strips libjvm.so's symbol table (5 MB of what every pod copies); gcc and
# libc6-dev: the supervisord module compiles the daemon's JNI library (its POSIX calls)
RUN apt-get update && apt-get install -y --no-install-recommends binutils gcc libc6-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Maven, the plugins and the dependencies first, in layers that only a change of a POM rebuilds:
# the package phase on the POMs alone (nothing to compile, the Quarkus build skipped)
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY core/pom.xml core/
COPY supervisord/pom.xml supervisord/
COPY cli/pom.xml cli/
COPY api/pom.xml api/
COPY operator/pom.xml operator/
RUN ./mvnw -B -q -Dmaven.test.skip=true -Dmaven.main.skip=true -Dquarkus.build.skip=true package
COPY . .
RUN ./mvnw -B -Dmaven.test.skip=true package
RUN tools/package/dist.sh /opt/kupervisor

# ---- static binaries: kupervisor-init, the PID 1 of operator-mode process pods (init/), and
# kupervisor-tail, the log sidecar of in-pod mode (tail/); no JVM in either ----
FROM debian:12-slim AS init
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
COPY tools/cc-static.sh /src/tools/cc-static.sh
COPY init/ /src/init/
RUN /src/init/build.sh /out/kupervisor-init
COPY tail/ /src/tail/
RUN /src/tail/build.sh /out/kupervisor-tail

# ---- kupervisor: supervisord, ctl, tail, migrate; also the init container of in-pod mode, its
# log sidecars (kupervisor-tail) and the one that copies kupervisor-init into process pods ----
# glibc base (the runtime is built against glibc); non-root by default.
FROM debian:12-slim AS kupervisor
COPY --from=build /opt/kupervisor /opt/kupervisor
COPY --from=init /out/kupervisor-init /opt/kupervisor/bin/kupervisor-init
COPY --from=init /out/kupervisor-tail /opt/kupervisor/bin/kupervisor-tail
USER 65532:65532
ENTRYPOINT ["/opt/kupervisor/bin/kupervisor"]
CMD ["--help"]

# ---- operator: the Quarkus application ----
FROM eclipse-temurin:25-jre AS operator
COPY --from=build /src/operator/target/quarkus-app /deployments
USER 185
# JVM options come from JDK_JAVA_OPTIONS (the Helm chart's javaOpts)
ENTRYPOINT ["java", "-jar", "/deployments/quarkus-run.jar"]
