package dev.lethe.redact;

/**
 * Kinds of personal data that Lethe detects. Names follow Microsoft Presidio's entity names so
 * that results compare with other tools. Presidio has no type for a social-media handle
 * ({@code @jane_doe}); Lethe reports one as {@link #PERSON}, the name a person goes by online, as
 * the Broad Twitter Corpus labels @mentions of people.
 */
public enum EntityType {
  PERSON,
  EMAIL_ADDRESS,
  PHONE_NUMBER,
  CREDIT_CARD,
  IBAN_CODE,
  IP_ADDRESS,
  US_SSN,
  UK_NINO,
  URL,
  STREET_ADDRESS,
  ZIP_CODE,
  DATE_TIME;

  /** The type with this Presidio-style name, e.g. {@code "EMAIL_ADDRESS"}. */
  public static EntityType fromName(String name) {
    return valueOf(name);
  }
}
