import Notebook

// Being written: this stub keeps the package building until the lesson lands.
let lesson = Lesson("conditional-gan", title: "conditional-gan")
lesson.markdown("This lesson is being written.")
lesson.main()
