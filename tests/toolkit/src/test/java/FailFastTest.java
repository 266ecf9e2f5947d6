import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy fails fast (issue 11, item 4): while helm waits, the release's new pods are watched with
 * the shared diagnosis; a definite failure (here an image that cannot be pulled) stops helm with
 * SIGTERM, the atomic helm rolls back, and deploy exits 5 naming the image, long before --timeout.
 */
class FailFastTest {
    @TempDir Path tmp;

    @Test
    void aDefiniteFailureStopsHelmEarlyAndTheReleaseIsRolledBack() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        List<String> base = List.of("--config", app.resolve("taskora.yaml").toString(), "--skip-build", "--skip-smoke");
        w.script("Deploy", base.toArray(String[]::new)).expect(0);
        long t0 = System.currentTimeMillis();
        List<String> again = new java.util.ArrayList<>(base);
        again.addAll(List.of("--set", "chart.timeout=7m"));
        // the fake helm would wait 120 s (its "--timeout") for a backend pod that cannot pull its image
        Toolkit.Run r = w.script("Deploy", Map.of("FAKE_HELM_HANG", "backend", "FAKE_HELM_HANG_SECONDS", "120"), again.toArray(String[]::new))
                .expect(Exit.ROLLED_BACK);
        long secs = (System.currentTimeMillis() - t0) / 1000;
        assertTrue(secs < 60, "stopped early, not after helm's timeout: " + secs + " s\n" + r.out());
        assertTrue(r.out().contains("the new revision cannot become ready; stopping helm (it rolls back)"), r.out());
        assertTrue(r.out().contains("problem: Pod/tiny-backend-0 (backend): container backend: image taskora-test/backend:sha-"), r.out());
        assertTrue(r.out().contains("is not present on the node and cannot be pulled (ImagePullBackOff"), r.out());
        assertTrue(r.err().contains("helm upgrade of tiny failed; rolled back to revision 3 (Rollback to 1)"), r.err());
        assertTrue(r.err().contains("stopped waiting because Pod/tiny-backend-0: container backend: image taskora-test/backend:sha-"), r.err());
        assertTrue(r.err().contains("hint: build and load that image"), r.err());
    }
}
