using GoldenPath.Testing;

namespace GoldenPath.Platform.Tests.Replicas;

/// <summary>
/// One PostgreSQL container shared by the replica tests that do not break it (each test has a database of its own);
/// they run one after another, since each runs several platform processes on a machine of two cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ReplicaDatabase : ICollectionFixture<PostgreSqlContainerFixture>
{
    public const string Name = "Platform replicas on one PostgreSQL";
}
