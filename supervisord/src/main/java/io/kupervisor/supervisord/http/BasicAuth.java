package io.kupervisor.supervisord.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * medusa's {@code auth_handler} with supervisord's passwords: HTTP Basic, the password in clear
 * or {@code {SHA}} and the hex SHA-1 of it, compared in constant time.
 */
public final class BasicAuth {
    private final String username;
    private final String password;

    /** @param password as written in the config: clear, or {@code {SHA}<hex>} */
    public BasicAuth(String username, String password) {
        this.username = username;
        this.password = password;
    }

    /** Whether an {@code Authorization} header value carries these credentials. */
    public boolean accepts(String authorization) {
        if (authorization == null) {
            return false;
        }
        int sp = authorization.indexOf(' ');
        if (sp < 0 || !authorization.substring(0, sp).equalsIgnoreCase("basic")) {
            return false;
        }
        String decoded;
        try {
            byte[] raw = Base64.getMimeDecoder().decode(authorization.substring(sp + 1).strip());
            decoded = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(raw)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        String user = decoded.substring(0, colon);
        String pass = decoded.substring(colon + 1);
        if (!user.equals(username)) {
            return false;
        }
        if (password.startsWith("{SHA}")) {
            return MessageDigest.isEqual(password.substring(5).getBytes(StandardCharsets.UTF_8),
                    sha1Hex(pass).getBytes(StandardCharsets.UTF_8));
        }
        return MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8), pass.getBytes(StandardCharsets.UTF_8));
    }

    static String sha1Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
