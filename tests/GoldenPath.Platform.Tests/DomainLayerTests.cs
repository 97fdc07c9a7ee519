using System.Reflection;
using GoldenPath.Platform.Domain;

namespace GoldenPath.Platform.Tests;

/// <summary>
/// The domain says what happened (a value or a <see cref="Failure"/>); only the Api folder turns that into HTTP. No type
/// of the Domain namespace holds, takes, returns or keeps in a local an ASP.NET Core result type.
/// </summary>
public sealed class DomainLayerTests
{
    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    [Fact]
    public void NoDomainTypeUsesAnHttpResultTypeInItsFieldsPropertiesSignaturesOrLocals()
    {
        var domain = typeof(Failure).Assembly.GetTypes()
            .Where(type => type.Namespace == typeof(Failure).Namespace)
            .ToList();

        var uses = domain.SelectMany(type =>
            type.GetFields(All).Select(field => ($"{type.FullName}.{field.Name} (field)", field.FieldType))
                .Concat(type.GetProperties(All).Select(property => ($"{type.FullName}.{property.Name} (property)", property.PropertyType)))
                .Concat(type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)).SelectMany(method =>
                    (method is MethodInfo info ? [($"{type.FullName}.{method.Name} (returns)", info.ReturnType)] : Array.Empty<(string, Type)>())
                        .Concat(method.GetParameters().Select(parameter => ($"{type.FullName}.{method.Name}({parameter.Name})", parameter.ParameterType)))
                        .Concat((method.GetMethodBody()?.LocalVariables ?? []).Select(local => ($"{type.FullName}.{method.Name} (local {local.LocalIndex})", local.LocalType))))))
            .SelectMany(use => TypesOf(use.Item2).Select(type => (Where: use.Item1, Type: type)))
            .Where(use => IsHttpResultType(use.Type))
            .Select(use => $"{use.Where}: {use.Type.FullName}")
            .Distinct()
            .ToList();

        Assert.True(domain.Count > 10, $"Only {domain.Count} types found in namespace {typeof(Failure).Namespace}; the test looks in the wrong place.");
        Assert.True(uses.Count == 0, "The domain uses HTTP result types; return a Failure from GoldenPath.Platform.Domain and map it in Api/Problems.For:\n" + string.Join("\n", uses));
    }

    private static bool IsHttpResultType(Type type) =>
        typeof(Microsoft.AspNetCore.Http.IResult).IsAssignableFrom(type)
        || type == typeof(Microsoft.AspNetCore.Http.TypedResults) || type == typeof(Microsoft.AspNetCore.Http.Results)
        || type.Namespace == typeof(Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult).Namespace
        || type.Namespace == typeof(Microsoft.AspNetCore.Mvc.ProblemDetails).Namespace;

    private static IEnumerable<Type> TypesOf(Type type)
    {
        yield return type;
        if (type.HasElementType)
        {
            foreach (var inner in TypesOf(type.GetElementType()!))
            {
                yield return inner;
            }
        }

        if (type.IsGenericType)
        {
            foreach (var inner in type.GetGenericArguments().SelectMany(TypesOf))
            {
                yield return inner;
            }
        }
    }
}
