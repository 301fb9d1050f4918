package io.kupervisor.operator.pod;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Names and labels of process pods. A new spawn is a new pod name, as a new spawn is a new pid in
 * supervisord; the name is deterministic (program uid, process, spawn number) so that a spawn
 * retried after an operator crash finds the pod it already created instead of running a second one.
 */
public final class PodNames {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGER = "kupervisor";
    public static final String PROGRAM_LABEL = "kupervisor.io/program";
    public static final String GROUP_LABEL = "kupervisor.io/group";
    public static final String PROCESS_LABEL = "kupervisor.io/process";
    public static final String SPAWN_LABEL = "kupervisor.io/spawn";
    public static final String PROCESS_ANNOTATION = "kupervisor.io/process-name";
    public static final String CONFIG_ANNOTATION = "kupervisor.io/config-hash";

    private static final String ALPHABET = "0123456789bcdfghjklmnpqrstvwxz";
    private static final int SUFFIX = 5;

    private PodNames() {
    }

    /**
     * A DNS-1123 label for a supervisord name: lower case, runs of other characters become one
     * {@code -}, no leading or trailing {@code -}, at most {@code max} characters.
     */
    public static String dnsLabel(String name, int max) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (s.length() > max) {
            s = s.substring(0, max).replaceAll("-+$", "");
        }
        return s.isEmpty() ? "p" : s;
    }

    /** The pod of spawn {@code spawn} of process {@code process} of the program with uid {@code uid}. */
    public static String podName(String uid, String process, long spawn) {
        return dnsLabel(process, 63 - SUFFIX - 1) + "-" + suffix(uid + "/" + process + "/" + spawn);
    }

    /** The value of the process label (a label value is at most 63 characters). */
    public static String processLabel(String process) {
        return dnsLabel(process, 63);
    }

    private static String suffix(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < SUFFIX; i++) {
                sb.append(ALPHABET.charAt((d[i] & 0xff) % ALPHABET.length()));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
