package dev.lethe.cli;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point down the module table of {@code docs/architecture.md}. Maven's module graph
 * already forbids most upward edges; this test also pins what each layer may use from outside.
 */
class ArchitectureTest {

  private static final JavaClasses LETHE =
      new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.lethe");

  @Test
  void layersOnlyDependDownwards() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("core").definedBy("dev.lethe.core..")
        .layer("redact").definedBy("dev.lethe.redact..")
        .layer("store").definedBy("dev.lethe.store..")
        .layer("pipeline").definedBy("dev.lethe.pipeline..")
        .layer("parquet").definedBy("dev.lethe.parquet..")
        .layer("unlearn").definedBy("dev.lethe.unlearn..")
        .layer("server").definedBy("dev.lethe.server..")
        .layer("cli").definedBy("dev.lethe.cli..")
        .layer("testkit").definedBy("dev.lethe.testkit..")
        .whereLayer("cli").mayNotBeAccessedByAnyLayer()
        // Test helpers: on the tests' class path only, so no main class may name them.
        .whereLayer("testkit").mayNotBeAccessedByAnyLayer()
        .whereLayer("server").mayOnlyBeAccessedByLayers("cli")
        .whereLayer("unlearn").mayOnlyBeAccessedByLayers("server", "cli")
        // Only found through ShardFormat.named: nothing names the optional Parquet module's classes.
        .whereLayer("parquet").mayNotBeAccessedByAnyLayer()
        .whereLayer("pipeline").mayOnlyBeAccessedByLayers("parquet", "unlearn", "server", "cli")
        .whereLayer("store").mayOnlyBeAccessedByLayers("pipeline", "server", "cli")
        .whereLayer("redact").mayOnlyBeAccessedByLayers("pipeline", "parquet", "unlearn", "server", "cli")
        .whereLayer("core").mayOnlyBeAccessedByLayers("redact", "store", "pipeline", "parquet", "unlearn", "server", "cli")
        .withOptionalLayers(true)
        .check(LETHE);
  }

  @Test
  void testkitUsesNothingButTheJdk() {
    // Any module's tests may take lethe-testkit, so it may not lean on any module (or library) itself.
    noClasses()
        .that().resideInAPackage("dev.lethe.testkit..")
        .should().dependOnClassesThat()
        .resideOutsideOfPackages("java..", "dev.lethe.testkit..")
        .check(LETHE);
  }

  @Test
  void coreUsesNothingButTheJdkAndJackson() {
    noClasses()
        .that().resideInAPackage("dev.lethe.core..")
        .should().dependOnClassesThat()
        // javax.crypto is the JDK's own (java.base): erased-name keys are derived with its HMAC.
        .resideOutsideOfPackages("java..", "javax.crypto..", "dev.lethe.core..", "com.fasterxml.jackson..")
        .check(LETHE);
  }
}
