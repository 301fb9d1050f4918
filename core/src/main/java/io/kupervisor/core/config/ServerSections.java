package io.kupervisor.core.config;

import io.kupervisor.core.config.dialect.PyPath;

import io.kupervisor.core.config.ConfigLoader.Fault;
import io.kupervisor.core.config.ConfigLoader.Reading;
import io.kupervisor.core.config.dialect.PyText;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** supervisord's {@code server_configs_from_parser}: inet servers, then unix ones. */
final class ServerSections {
    private final Reading r;

    ServerSections(Reading reading) {
        this.r = reading;
    }

    List<ServerConfig> servers() {
        List<ServerConfig> servers = new ArrayList<>();
        for (String section : sectionsStartingWith("inet_http_server")) {
            String[] auth = usernameAndPassword(section);
            String port = r.get(section, "port", null, Map.of(), true);
            if (port == null) {
                throw new Fault("section [" + section + "] has no port value",
                        Origin.ofSection(r.fileOf(section), section, r.doc().headerLine(section)));
            }
            Map.Entry<String, Integer> address = r.convert(section, "port", port, ValueTypes::inetAddress);
            servers.add(new ServerConfig.Inet(section, suffix(section), address.getKey(), address.getValue(),
                    auth[0], auth[1]));
        }
        for (String section : sectionsStartingWith("unix_http_server")) {
            Map<String, Object> here = new LinkedHashMap<>();
            here.put("here", r.here());
            String file = r.get(section, "file", null, here, true);
            if (file == null) {
                throw new Fault("section [" + section + "] has no file value",
                        Origin.ofSection(r.fileOf(section), section, r.doc().headerLine(section)));
            }
            file = PyPath.normalize(PyText.strip(file), r.host().cwd().toString(), r.host().home());
            String[] auth = usernameAndPassword(section);
            String chown = r.get(section, "chown", null, Map.of(), true);
            UserRef chownUser = null;
            UserRef chownGroup = null;
            if (chown != null) {
                try {
                    String[] parts = chown.split(":", 2);
                    chownUser = r.host().checks().nameToUid(parts[0]);
                    if (parts.length == 2) {
                        chownGroup = r.host().checks().nameToGid(parts[1]);
                    }
                } catch (InvalidValue e) {
                    throw new Fault("Invalid sockchown value " + chown, r.origin(section, "chown"));
                }
            }
            String chmodValue = r.get(section, "chmod", null, Map.of(), true);
            int chmod = 0700;
            if (chmodValue != null) {
                try {
                    chmod = ValueTypes.octal(chmodValue);
                } catch (InvalidValue e) {
                    throw new Fault("Invalid chmod value " + chmodValue, r.origin(section, "chmod"));
                }
            }
            servers.add(new ServerConfig.Unix(section, suffix(section), file, chmod, chownUser, chownGroup,
                    auth[0], auth[1]));
        }
        return servers;
    }

    private List<String> sectionsStartingWith(String prefix) {
        return r.doc().sections().stream().filter(s -> s.startsWith(prefix)).toList();
    }

    private static String suffix(String section) {
        String[] parts = section.split(":", 2);
        return parts.length > 1 ? parts[1] : null;
    }

    private String[] usernameAndPassword(String section) {
        String username = r.get(section, "username", null, Map.of(), true);
        String password = r.get(section, "password", null, Map.of(), true);
        if ((username == null) != (password == null)) {
            throw new Fault("Section [" + section + "] contains incomplete authentication: If a username or a "
                    + "password is specified, both the username and password must be specified",
                    r.origin(section, username == null ? "password" : "username"));
        }
        return new String[] {username, password};
    }
}
