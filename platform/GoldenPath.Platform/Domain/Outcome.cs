namespace GoldenPath.Platform.Domain;

/// <summary>The outcome of a domain operation: the value (and whether it was created), or the failure that refused it.</summary>
internal readonly record struct Outcome<T>(T? Value, Failure? Failure, bool Created = false)
{
    public static implicit operator Outcome<T>(Failure failure) => new(default, failure);
}
