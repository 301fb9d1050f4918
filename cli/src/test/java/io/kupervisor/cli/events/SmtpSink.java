package io.kupervisor.cli.events;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An SMTP server on the loopback that keeps every message it is given (for superlance's SMTP listeners). */
final class SmtpSink implements AutoCloseable {
    private final ServerSocket server;
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final Thread thread;

    SmtpSink() throws IOException {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        thread = Thread.ofVirtual().start(this::serve);
    }

    String hostPort() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    List<String> messages() {
        return List.copyOf(messages);
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                session(s);
            } catch (IOException e) {
                // closed, or a client that went away: next
            }
        }
    }

    private void session(Socket s) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = s.getOutputStream();
        reply(out, "220 sink");
        for (String line; (line = in.readLine()) != null; ) {
            String verb = line.split(" ", 2)[0].toUpperCase();
            switch (verb) {
                case "DATA" -> {
                    reply(out, "354 go on");
                    StringBuilder msg = new StringBuilder();
                    for (String l; (l = in.readLine()) != null && !l.equals("."); ) {
                        msg.append(l.startsWith("..") ? l.substring(1) : l).append('\n');
                    }
                    messages.add(msg.toString());
                    reply(out, "250 kept");
                }
                case "QUIT" -> {
                    reply(out, "221 bye");
                    return;
                }
                default -> reply(out, "250 ok");
            }
        }
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
