// A small lesson used by NotebookTests to exercise the runner end to end: prose, a CSV, a figure,
// metrics, a shared value used by two cells, and a loop with progress. FIXTURE_SLOW=1 makes the
// loop take a few seconds (so a test can interrupt it); FIXTURE_FAIL=1 makes it throw.
import Foundation
import Notebook

let env = ProcessInfo.processInfo.environment
let lesson = Lesson("notebook-fixture", title: "Runner fixture: a tiny lesson")

lesson.markdown("""
    ## What this lesson shows
    For a fixed G the best discriminator is D*(x) = p_r(x) / (p_r(x) + p_g(x)), and with disjoint
    supports JS(p_r ‖ p_g) = log 2 ≈ 0.693 no matter how far apart they are. Inline `code`, **bold**
    and *emphasis* render; `k * I` stays a product and p_r keeps its underscore.

    - the value function V(D, G) = 𝔼[log D(x)] + 𝔼[log(1 − D(G(z)))]
    - its gradient ∇_θ V, and the norm ‖∇_θ V‖
    1. first numbered
    2. second numbered

    ```math
    D*(x) = p_r(x) / (p_r(x) + p_g(x))
    ```
    """)

let squares = lesson.shared("squares table") { ctx in
    var table: [Int] = []
    for i in 0..<20 {
        table.append(i * i)
        try ctx.progress(i + 1, of: 20, label: "squares")
    }
    return table
}

lesson.cell("Numbers and a table", uses: [squares]) { ctx in
    let n = ctx.pick(quick: 5, full: 10)
    let noise = (0..<n).map { _ in ctx.rng.nextDouble() }
    let table = try ctx.use(squares)
    ctx.say("first \(n) squares: \(table.prefix(n).map(String.init).joined(separator: ", "))")
    try ctx.csv("squares", header: ["i", "square", "noise, uniform"], rows: (0..<n).map { [$0, table[$0], noise[$0]] })
    ctx.metric("js_at_disjoint", 0.6931)
    ctx.metric("first_noise", noise[0])
}

lesson.cell("A figure") { ctx in
    let x = (0..<50).map { Double($0) / 10 }
    try ctx.figure("sine", title: "sin and cos", caption: "two curves") { fig in
        let ax = fig.axes()
        ax.xlabel = "x"
        ax.ylabel = "value"
        ax.line(x: x, y: x.map(sin), label: "sin x")
        ax.line(x: x, y: x.map(cos), label: "cos x")
    }
    ctx.say("a figure with \(x.count) points per curve { braces in a string }")
}

lesson.cell("A loop with progress", uses: [squares]) { ctx in
    let slow = env["FIXTURE_SLOW"] == "1"
    let steps = slow ? 200 : 10
    ctx.say("loop started")
    var total = 0
    for step in 0..<steps {
        if env["FIXTURE_FAIL"] == "1" && step == 3 { throw CellError("the loss became NaN at step 3") }
        total += try ctx.use(squares)[step % 20]
        usleep(slow ? 30_000 : 1_000)
        try ctx.progress(step + 1, of: steps)
    }
    ctx.say("sum of squares over the loop: \(total)")
    ctx.metric("loop_total", Double(total))
}

lesson.main()
