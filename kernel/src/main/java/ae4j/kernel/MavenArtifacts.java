package ae4j.kernel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.supplier.SessionBuilderSupplier;
import org.eclipse.aether.util.filter.DependencyFilterUtils;

/**
 * {@code %maven group:artifact:version}: an artifact and its runtime dependencies, resolved with Maven Resolver
 * into the local repository (the one Maven uses, {@code ~/.m2/repository} unless {@code maven.repo.local} says
 * otherwise). The local repository is tried first, offline; Maven Central only when something is missing there.
 */
final class MavenArtifacts implements AutoCloseable {

    static final RemoteRepository CENTRAL =
            new RemoteRepository.Builder("central", "default", "https://repo.maven.apache.org/maven2/").build();

    /** What a resolution gave: the jars, in class path order, and whether the network was needed. */
    record Resolved(List<Path> jars, boolean downloaded) {}

    private final Path local;
    private RepositorySystem system;

    MavenArtifacts(Path local) {
        this.local = local;
    }

    /** The local repository Maven itself uses. */
    static Path defaultLocal() {
        String p = System.getProperty("maven.repo.local");
        if (p != null && !p.isBlank()) return Path.of(p);
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    Path local() {
        return local;
    }

    /**
     * Parses {@code group:artifact:version} (or {@code group:artifact:extension[:classifier]:version}); throws
     * IllegalArgumentException with the expected form otherwise.
     */
    static Artifact parse(String coordinates) {
        String c = coordinates.strip();
        String[] parts = c.split(":", -1);
        boolean ok = parts.length >= 3 && parts.length <= 5;
        for (String p : parts) ok &= !p.isBlank() && p.chars().noneMatch(Character::isWhitespace);
        if (!ok) {
            throw new IllegalArgumentException("'" + c + "' is not Maven coordinates: write group:artifact:version,"
                    + " e.g. %maven org.apache.commons:commons-math3:3.6.1");
        }
        return new DefaultArtifact(c);
    }

    /** Resolves the artifact and its runtime dependencies: from the local repository if all are there, else Central. */
    Resolved resolve(String coordinates) throws DependencyResolutionException {
        Artifact artifact = parse(coordinates);
        try {
            return new Resolved(resolve(artifact, true), false);
        } catch (DependencyResolutionException offlineMiss) {
            return new Resolved(resolve(artifact, false), true);
        }
    }

    private List<Path> resolve(Artifact artifact, boolean offline) throws DependencyResolutionException {
        RepositorySystem sys = system();
        try (RepositorySystemSession.CloseableSession session = new SessionBuilderSupplier(sys)
                .get()
                .withLocalRepositoryBaseDirectories(local)
                .setOffline(offline)
                .build()) {
            CollectRequest collect = new CollectRequest(new Dependency(artifact, "runtime"), List.of(CENTRAL));
            DependencyRequest request =
                    new DependencyRequest(collect, DependencyFilterUtils.classpathFilter("runtime"));
            List<Path> jars = new ArrayList<>();
            for (ArtifactResult r : sys.resolveDependencies(session, request).getArtifactResults()) {
                Path p = r.getArtifact() == null ? null : r.getArtifact().getPath();
                if (p != null && Files.isRegularFile(p)) jars.add(p);
            }
            return jars;
        }
    }

    private synchronized RepositorySystem system() {
        if (system == null) system = new RepositorySystemSupplier().get();
        return system;
    }

    @Override
    public synchronized void close() {
        if (system != null) system.shutdown();
        system = null;
    }
}
