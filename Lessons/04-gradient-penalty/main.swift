import Notebook

// Being written: this stub keeps the package building until the lesson lands.
let lesson = Lesson("gradient-penalty", title: "gradient-penalty")
lesson.markdown("This lesson is being written.")
lesson.main()
