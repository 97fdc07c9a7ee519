namespace GoldenPath.Kubernetes.Tests;

/// <summary>Which files of a folder are read: every file kubectl apply would apply.</summary>
public sealed class ManifestFilesTests
{
    [Theory]
    [InlineData("pod.json")]
    [InlineData("pod.yml")]
    [InlineData("nested/pod.YAML")]
    [InlineData("kustomization.pod.yaml")]
    [InlineData("Kustomization.yaml")]
    [InlineData(".hidden/pod.yaml")]
    public void EveryManifestFileKubectlWouldApplyIsRead(string name)
    {
        var directory = Directory.CreateTempSubdirectory("goldenpath-files-").FullName;
        try
        {
            var file = Path.Combine(directory, name);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, """{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "escape"}, "spec": {"containers": [{"name": "x", "image": "x:1", "securityContext": {"privileged": true}}]}}""");

            var (documents, problems) = ManifestReader.ReadPath(directory);

            Assert.Empty(problems);
            Assert.Equal(name, Assert.Single(documents).File.Replace('\\', '/'));
            Assert.Contains(PolicyEngine.Evaluate(documents), f => f.CheckId == "GPK005" && f.Fails);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
