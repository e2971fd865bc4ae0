import Notebook

// Being written: this stub keeps the package building until the lesson lands.
let lesson = Lesson("gan-minimax", title: "gan-minimax")
lesson.markdown("This lesson is being written.")
lesson.main()
