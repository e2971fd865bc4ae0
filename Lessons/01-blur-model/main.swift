import Notebook

// Being written: this stub keeps the package building until the lesson lands.
let lesson = Lesson("blur-model", title: "blur-model")
lesson.markdown("This lesson is being written.")
lesson.main()
