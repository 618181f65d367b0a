using System.Reflection;
using System.Reflection.Emit;

namespace Coffer.Tests.Architecture;

/// <summary>
/// Every type a compiled type uses: its base type, interfaces, attributes, fields, properties, method signatures and
/// every type, method or field its method bodies name in IL. Read from the compiled assembly so fully qualified names,
/// lambdas, async state machines and generic arguments all count, which a scan of <c>using</c> lines would miss.
/// </summary>
public static class TypeDependencies
{
    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance |
                                            BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The type and every type nested in it (compiler-generated closures and state machines are nested).</summary>
    public static IEnumerable<Type> WithNested(Type type) =>
        new[] { type }.Concat(type.GetNestedTypes(Everything).SelectMany(WithNested));

    /// <summary>Every method and constructor of the type and of the types nested in it.</summary>
    public static IEnumerable<MethodBase> MethodsWithNested(Type type) =>
        WithNested(type).SelectMany(t => t.GetMethods(Everything).Cast<MethodBase>().Concat(t.GetConstructors(Everything)));

    public static IEnumerable<Type> Of(Type type)
    {
        var found = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null || !found.Add(t)) return;
            if (t.HasElementType) Add(t.GetElementType());
            if (t.IsGenericType && !t.IsGenericTypeDefinition)
                foreach (var a in t.GetGenericArguments()) Add(a);
        }

        Add(type.BaseType);
        foreach (var i in type.GetInterfaces()) Add(i);
        foreach (var a in type.GetCustomAttributesData()) Add(a.AttributeType);
        foreach (var f in type.GetFields(Everything)) Add(f.FieldType);
        foreach (var p in type.GetProperties(Everything)) Add(p.PropertyType);
        foreach (var m in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
        {
            if (m is MethodInfo mi) Add(mi.ReturnType);
            foreach (var p in m.GetParameters()) Add(p.ParameterType);
            foreach (var a in m.GetCustomAttributesData()) Add(a.AttributeType);
            foreach (var t in InBody(m)) Add(t);
        }
        return found;
    }

    private static IEnumerable<Type> InBody(MethodBase method)
    {
        foreach (var local in method.GetMethodBody()?.LocalVariables ?? []) yield return local.LocalType;
        foreach (var member in MembersNamedIn(method))
        {
            if (member is Type t) yield return t;
            else
            {
                if (member.DeclaringType is not null) yield return member.DeclaringType;
                if (member is MethodInfo { IsGenericMethod: true } gm)
                    foreach (var a in gm.GetGenericArguments()) yield return a;
                if (member is FieldInfo f) yield return f.FieldType;
            }
        }
    }

    /// <summary>Every method, field and type a method's IL names (calls, field accesses, type tokens), in order.</summary>
    public static IEnumerable<MemberInfo> MembersNamedIn(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray() ?? [];
        var typeArgs = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var i = 0;
        while (i < il.Length)
        {
            var code = il[i] == 0xFE ? OpCodesByValue[(short)(0xFE00 | il[i + 1])] : OpCodesByValue[il[i]];
            i += code.Size;
            switch (code.OperandType)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    if (Resolve(method.Module, BitConverter.ToInt32(il, i), typeArgs, methodArgs) is { } member) yield return member;
                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + (4 * BitConverter.ToInt32(il, i));
                    break;
                default:
                    i += OperandSize(code.OperandType);
                    break;
            }
        }
    }

    private static MemberInfo? Resolve(Module module, int token, Type[]? typeArgs, Type[]? methodArgs)
    {
        try
        {
            return module.ResolveMember(token, typeArgs, methodArgs);
        }
        catch (ArgumentException)
        {
            // A token into another module that this one cannot resolve names nothing of ours.
            return null;
        }
    }

    private static int OperandSize(OperandType type) => type switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        _ => 4,
    };
}
