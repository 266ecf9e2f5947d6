import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The scripted OpenAI-compatible model server (tests/lib/model_server.py) on a free port of
 * 127.0.0.1, for a test that runs the real kubectl-ai: started with a script of replies, stopped
 * with close(). requests() reads what it was sent and fails on any request its script did not
 * expect. Also finds the real kubectl-ai that tests/toolkit/run builds.
 */
final class ModelServer implements AutoCloseable {
    final Path record, log;
    final int port;
    private final Process process;

    ModelServer(Path dir, String script) throws Exception {
        Files.createDirectories(dir);
        Path s = dir.resolve("script.json"), portFile = dir.resolve("port");
        record = dir.resolve("model-requests.jsonl");
        log = dir.resolve("model-server.log");
        Files.writeString(s, script);
        process = new ProcessBuilder("python3", Toolkit.REPO.resolve("tests/lib/model_server.py").toString(), "--script", s.toString(),
                "--record", record.toString(), "--port-file", portFile.toString(), "--lifetime", "900")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (!Files.isRegularFile(portFile) && System.currentTimeMillis() < deadline) Thread.sleep(100);
        assertTrue(Files.isRegularFile(portFile), "the model server did not start: " + Toolkit.read(log));
        port = Integer.parseInt(Files.readString(portFile).strip());
    }

    /** The environment kubectl-ai's openai provider reads: this server, and a key. */
    Map<String, String> env(String key) {
        return Map.of("OPENAI_API_KEY", key, "OPENAI_ENDPOINT", "http://127.0.0.1:" + port + "/v1");
    }

    /** The requests the server got; none it did not expect. */
    List<Object> requests() {
        List<Object> out = new ArrayList<>();
        if (!Files.isRegularFile(record)) return out;
        for (String l : Toolkit.read(record).split("\n")) if (!l.isBlank()) out.add(Toolkit.json(l));
        for (Object r : out) assertEquals("", Json.text(r, "unexpected"), "the model server got a request its script did not expect");
        return out;
    }

    @Override
    public void close() {
        process.destroy();
    }

    /** The binary tests/toolkit/run built (or is building), named in the file KUBECTL_AI_READY once the build has written it. */
    static Path kubectlAi() throws IOException, InterruptedException {
        String ready = System.getenv("KUBECTL_AI_READY");
        assertTrue(ready != null && !ready.isBlank(), "KUBECTL_AI_READY is not set: run the suite with tests/toolkit/run (it builds kubectl-ai)");
        Path f = Path.of(ready);
        long deadline = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(20); // a cold build: about 4 minutes, longer on a busy machine
        while (!Files.isRegularFile(f) && System.currentTimeMillis() < deadline) Thread.sleep(2000);
        String answer = Files.isRegularFile(f) ? Files.readString(f).strip() : "";
        assertTrue(answer.startsWith("/") && Files.isExecutable(Path.of(answer)), "kubectl-ai was not built: " + answer);
        return Path.of(answer);
    }
}
