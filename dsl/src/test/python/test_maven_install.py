"""`mvn install` gives usable artifacts: the whole build is installed into a private local repository, then
a separate Maven project (dsl/src/test/maven-consumer) that only declares the README's <dependency> on
ae4j-dsl compiles against it and runs a model through the Java API.

The private repository's only "remote" is the user's own ~/.m2/repository (a file:// mirror, read-only), which
the normal build has filled; the user's repository is not written to, but for one thing: the build never runs
the install plugin, so on a fresh machine its jars are fetched into ~/.m2 first (with the user's own settings),
as any first `mvn install` would.
"""

import os
import re
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.environ.get("AE4J_ROOT") or os.path.abspath(os.path.join(os.path.dirname(__file__), "../../../.."))
CONSUMER = os.path.join(ROOT, "dsl", "src", "test", "maven-consumer")
JAVA_HOME = os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64")

SETTINGS = """<settings>
  <mirrors>
    <mirror><id>user-repository</id><mirrorOf>*</mirrorOf><url>file://%s</url></mirror>
  </mirrors>
</settings>
"""


class MavenInstallTest(unittest.TestCase):
    def test_installed_artifacts_build_and_run_a_consumer(self):
        user_repo = os.path.expanduser("~/.m2/repository")
        with tempfile.TemporaryDirectory() as tmp:
            repo = os.path.join(tmp, "repository")
            settings = os.path.join(tmp, "settings.xml")
            with open(settings, "w") as f:
                f.write(SETTINGS % user_repo)
            env = dict(os.environ, JAVA_HOME=JAVA_HOME,
                       MAVEN_OPTS=os.environ.get("MAVEN_OPTS", "") + " --sun-misc-unsafe-memory-access=allow")
            mvn = ["mvn", "-B", "-ntp", "-q", "-s", settings, "-Dmaven.repo.local=" + repo]

            def run(args, cwd):
                r = subprocess.run(mvn + args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   timeout=1200)
                self.assertEqual(0, r.returncode, " ".join(args) + "\n" + r.stdout.decode("utf-8", "replace")[-4000:])

            # The install plugin (the one plugin `mvn verify` does not use) into the user's repository, if missing.
            version = re.search(r"<artifactId>maven-install-plugin</artifactId>\s*<version>([^<]+)</version>",
                                open(os.path.join(ROOT, "pom.xml")).read()).group(1)
            fetch = subprocess.run(["mvn", "-B", "-ntp", "-q",
                                    "org.apache.maven.plugins:maven-install-plugin:%s:help" % version],
                                   cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
            self.assertEqual(0, fetch.returncode, fetch.stdout.decode("utf-8", "replace")[-4000:])
            run(["install", "-DskipTests", "-pl", "dsl", "-am"], ROOT)
            installed = os.path.join(repo, "dev", "ae4j", "ae4j-dsl", "0.1.0-SNAPSHOT")
            names = os.listdir(installed)
            self.assertIn("ae4j-dsl-0.1.0-SNAPSHOT.jar", names)
            self.assertIn("ae4j-dsl-0.1.0-SNAPSHOT-javadoc.jar", names)

            work = os.path.join(tmp, "consumer")
            shutil.copytree(CONSUMER, work)
            cp_file = os.path.join(tmp, "cp.txt")
            run(["package", "-DskipTests",
                 "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath",
                 "-Dmdep.outputFile=" + cp_file], work)
            with open(cp_file) as f:
                cp = f.read().strip()
            # The consumer's class path comes from the private repository, not from this checkout.
            self.assertIn(installed, cp)
            self.assertNotIn(os.path.join(ROOT, "dsl", "target"), cp)
            r = subprocess.run(
                [os.path.join(JAVA_HOME, "bin", "java"), "--add-modules", "jdk.incubator.vector",
                 "-cp", os.path.join(work, "target", "classes") + os.pathsep + cp, "consumer.Consumer"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
            out = r.stdout.decode("utf-8")
            self.assertEqual(0, r.returncode, out + r.stderr.decode("utf-8"))
            m = re.search(r"consumer: loss before ([0-9.eE+-]+) after ([0-9.eE+-]+)", out)
            self.assertIsNotNone(m, out)
            before, after = float(m.group(1)), float(m.group(2))
            self.assertLess(after, 0.5 * before, out)  # training through the installed jars learned something
            self.assertIn("consumer: codes 5 x 2", out)


if __name__ == "__main__":
    unittest.main()
