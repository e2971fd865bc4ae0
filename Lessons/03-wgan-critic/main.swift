import Notebook

// Being written: this stub keeps the package building until the lesson lands.
let lesson = Lesson("wgan-critic", title: "wgan-critic")
lesson.markdown("This lesson is being written.")
lesson.main()
