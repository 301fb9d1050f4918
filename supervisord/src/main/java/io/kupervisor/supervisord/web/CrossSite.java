package io.kupervisor.supervisord.web;

import io.kupervisor.supervisord.http.Exchange;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;

/**
 * What keeps another site from acting through a browser that holds the daemon's basic-auth
 * credentials (browsers send them with cross-site requests too): every action is a POST that
 * must carry the daemon's random token, which only a page read with the password has, and must
 * come from the page's own origin as the browser tells it ({@code Sec-Fetch-Site}, else
 * {@code Origin}, else {@code Referer}, against {@code Host} or {@code X-Forwarded-Host}).
 */
final class CrossSite {
    /**
     * One token per daemon process, kept across reloads so that open pages keep working; a new
     * daemon process makes the pages of the old one stale.
     */
    static final String TOKEN = newToken();

    private CrossSite() {
    }

    /**
     * 32 bytes of the kernel's random source, what SecureRandom's default reads too, read directly:
     * SecureRandom's provider machinery is 50 classes in every daemon's memory (issue 18).
     */
    private static String newToken() {
        try (FileInputStream urandom = new FileInputStream("/dev/urandom")) {
            byte[] b = urandom.readNBytes(32);
            if (b.length != 32) {
                throw new IOException("/dev/urandom gave " + b.length + " bytes");
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        } catch (IOException e) {
            throw new UncheckedIOException("no random token for the web page's actions", e);
        }
    }

    /** Why a POST is refused, or null if it may act. */
    static String refusal(Exchange ex, String formToken) {
        String site = ex.header("Sec-Fetch-Site");
        if (site != null) {
            // the browser's own word on where the request comes from; it holds behind proxies
            // that rewrite Host, where comparing Origin with Host would not
            if (!site.equalsIgnoreCase("same-origin")) {
                return "a " + site + " request (Sec-Fetch-Site)";
            }
        } else {
            String origin = ex.header("Origin");
            String referer = ex.header("Referer");
            if (origin != null) {
                if (!sameAuthority(origin, ex)) {
                    return "Origin " + origin + " is not this server's";
                }
            } else if (referer != null && !sameAuthority(referer, ex)) {
                return "Referer " + referer + " is not this server's";
            }
        }
        String token = formToken != null ? formToken : ex.header("X-Kupervisor-Token");
        if (token == null) {
            return "no token (actions need the token of a page read from this daemon)";
        }
        if (!MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), TOKEN.getBytes(StandardCharsets.UTF_8))) {
            return "a wrong token (the page is from another daemon, or an older run of this one: reload it)";
        }
        return null;
    }

    /** Whether a URL's host[:port] is the one the request was sent to. */
    private static boolean sameAuthority(String url, Exchange ex) {
        String authority;
        try {
            URI u = new URI(url);
            if (u.getHost() == null) {
                return false;
            }
            authority = u.getRawAuthority();
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                authority = authority.substring(at + 1);
            }
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            authority = withoutDefaultPort(authority.toLowerCase(Locale.ROOT), scheme);
        } catch (java.net.URISyntaxException e) {
            return false;
        }
        for (String header : new String[] {"Host", "X-Forwarded-Host"}) {
            String h = ex.header(header);
            if (h == null) {
                continue;
            }
            int comma = h.indexOf(',');
            if (comma >= 0) {
                h = h.substring(0, comma);
            }
            h = h.strip().toLowerCase(Locale.ROOT);
            if (authority.equals(h) || authority.equals(withoutDefaultPort(h, "http"))
                    || authority.equals(withoutDefaultPort(h, "https"))) {
                return true;
            }
        }
        return false;
    }

    private static String withoutDefaultPort(String authority, String scheme) {
        if (scheme.equals("http") && authority.endsWith(":80")) {
            return authority.substring(0, authority.length() - 3);
        }
        if (scheme.equals("https") && authority.endsWith(":443")) {
            return authority.substring(0, authority.length() - 4);
        }
        return authority;
    }
}
