package dev.lethe.redact;

/**
 * Kinds of personal data that Lethe detects. Names follow Microsoft Presidio's entity names so
 * that results compare with other tools; {@link #SOCIAL_HANDLE} has no Presidio counterpart.
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
  SOCIAL_HANDLE,
  STREET_ADDRESS,
  ZIP_CODE,
  DATE_TIME;

  /** The type with this Presidio-style name, e.g. {@code "EMAIL_ADDRESS"}. */
  public static EntityType fromName(String name) {
    return valueOf(name);
  }
}
