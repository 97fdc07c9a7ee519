using Microsoft.Extensions.Compliance.Classification;

namespace GoldenPath.ServiceDefaults;

/// <summary>
/// The data classes GoldenPath redacts from logs. Mark a <c>[LoggerMessage]</c> parameter with
/// <see cref="SecretDataAttribute"/> or <see cref="PersonalDataAttribute"/> and its value is erased
/// before any log provider sees it.
/// </summary>
public static class GoldenPathDataClassifications
{
    /// <summary>The taxonomy name.</summary>
    public const string TaxonomyName = "GoldenPath";

    /// <summary>Secrets: passwords, tokens, keys, connection strings.</summary>
    public static DataClassification Secret { get; } = new(TaxonomyName, nameof(Secret));

    /// <summary>Personal data: names, e-mail addresses, phone numbers, addresses.</summary>
    public static DataClassification Personal { get; } = new(TaxonomyName, nameof(Personal));
}

/// <summary>Marks a value as a secret (<see cref="GoldenPathDataClassifications.Secret"/>); it is redacted from logs.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SecretDataAttribute : DataClassificationAttribute
{
    /// <summary>Initializes a new instance.</summary>
    public SecretDataAttribute()
        : base(GoldenPathDataClassifications.Secret) { }
}

/// <summary>Marks a value as personal data (<see cref="GoldenPathDataClassifications.Personal"/>); it is redacted from logs.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field)]
public sealed class PersonalDataAttribute : DataClassificationAttribute
{
    /// <summary>Initializes a new instance.</summary>
    public PersonalDataAttribute()
        : base(GoldenPathDataClassifications.Personal) { }
}
